// Geospatial query operators for the embedded store (mingo has none): `$geoWithin`,
// `$geoIntersects`, `$near` and `$nearSphere`, on mingo views (numbers are plain numbers).
// https://www.mongodb.com/docs/manual/reference/operator/query-geospatial/
//
// What is exact and what is approximated (docs/parity.md, "Function runtime"):
// - Distances on the sphere are great-circle (haversine) distances with the earth radius MongoDB
//   uses, 6,378.1 km (https://www.mongodb.com/docs/manual/tutorial/calculate-distances-using-spherical-geometry-with-2d-geospatial-indexes/);
//   `$centerSphere` radii are radians, GeoJSON `$maxDistance` / `$minDistance` meters, legacy
//   `$near` distances coordinate units (flat), legacy `$nearSphere` radians.
// - Polygon edges are straight lines in longitude/latitude, not the geodesics a 2dsphere index
//   uses: the answers differ near the edges of large polygons. Big polygons (`crs`) are refused.
// - `$geoWithin` holds when every vertex of the document's geometry lies in the region (exact for
//   points; an approximation for lines and polygons in a concave region). `$geoIntersects` tests
//   vertex containment and edge crossings.
// - No index is needed (MongoDB requires a 2d / 2dsphere index for `$near`); `$near` results come
//   nearest first unless the query sorts, as MongoDB returns them.
// - The `$geoNear` aggregation stage is not implemented (mingo.ts refuses it by name).

import { StoreError } from "./errors.js";

type Pt = [number, number];

/** A document or query geometry, flattened for the tests below. */
interface Shape {
  points: Pt[];
  segments: [Pt, Pt][];
  /** Polygons, each as rings (the first is the outer ring, the others holes). */
  polygons: Pt[][][];
}

/** Radius MongoDB uses for spherical distances, in meters. */
const EARTH_RADIUS_METERS = 6_378_100;

function fail(message: string): never {
  throw new StoreError(message, 2);
}

const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** `[x, y]` (legacy pair) or `{ <a>: x, <b>: y }` (legacy embedded document): the first two numbers. */
function legacyPoint(v: unknown): Pt | undefined {
  if (Array.isArray(v)) return v.length >= 2 && isNum(v[0]) && isNum(v[1]) ? [v[0], v[1]] : undefined;
  if (isObj(v) && !("type" in v)) {
    const nums = Object.values(v);
    return nums.length >= 2 && isNum(nums[0]) && isNum(nums[1]) ? [nums[0], nums[1]] : undefined;
  }
  return undefined;
}

function positions(v: unknown, what: string): Pt[] {
  if (!Array.isArray(v)) fail(`${what}: coordinates must be an array`);
  return v.map((p) => legacyPoint(p) ?? fail(`${what}: a position must be [longitude, latitude]`));
}

function rings(v: unknown, what: string): Pt[][] {
  if (!Array.isArray(v) || v.length === 0) fail(`${what}: a Polygon needs at least one ring`);
  return v.map((r) => {
    const ring = positions(r, what);
    if (ring.length < 4) fail(`${what}: a Polygon ring needs at least four positions (closed)`);
    return ring;
  });
}

const ringSegments = (ring: Pt[]): [Pt, Pt][] => ring.slice(1).map((p, i) => [ring[i]!, p]);

/** A GeoJSON geometry as a Shape; undefined when `v` is not GeoJSON. */
function geoJSON(v: unknown, what: string): Shape | undefined {
  if (!isObj(v) || typeof v.type !== "string") return undefined;
  if (v.crs !== undefined) fail(`${what}: custom coordinate reference systems (big polygons) are not supported by the embedded database`);
  const c = v.coordinates;
  switch (v.type) {
    case "Point":
      return { points: [legacyPoint(c) ?? fail(`${what}: a Point needs [longitude, latitude]`)], segments: [], polygons: [] };
    case "MultiPoint":
      return { points: positions(c, what), segments: [], polygons: [] };
    case "LineString": {
      const line = positions(c, what);
      return { points: line, segments: ringSegments(line), polygons: [] };
    }
    case "MultiLineString": {
      const lines = (Array.isArray(c) ? c : fail(`${what}: coordinates must be an array`)).map((l) => positions(l, what));
      return { points: lines.flat(), segments: lines.flatMap(ringSegments), polygons: [] };
    }
    case "Polygon": {
      const rs = rings(c, what);
      return { points: rs.flat(), segments: rs.flatMap(ringSegments), polygons: [rs] };
    }
    case "MultiPolygon": {
      const polys = (Array.isArray(c) ? c : fail(`${what}: coordinates must be an array`)).map((p) => rings(p, what));
      return { points: polys.flat(2), segments: polys.flat().flatMap(ringSegments), polygons: polys };
    }
    case "GeometryCollection": {
      const parts = (Array.isArray(v.geometries) ? v.geometries : fail(`${what}: geometries must be an array`)).map(
        (g) => geoJSON(g, what) ?? fail(`${what}: not a GeoJSON geometry`),
      );
      return { points: parts.flatMap((p) => p.points), segments: parts.flatMap((p) => p.segments), polygons: parts.flatMap((p) => p.polygons) };
    }
  }
  return fail(`${what}: unknown GeoJSON type ${JSON.stringify(v.type)}`);
}

/** The shapes a document field holds: a GeoJSON geometry, a legacy point, or an array of them. */
function fieldShapes(v: unknown): Shape[] {
  if (v === undefined || v === null) return [];
  const point = legacyPoint(v);
  if (point) return [{ points: [point], segments: [], polygons: [] }];
  if (Array.isArray(v)) return v.flatMap(fieldShapes);
  try {
    const s = geoJSON(v, "document");
    return s ? [s] : [];
  } catch {
    return []; // a malformed geometry in a document matches nothing (MongoDB could not have indexed it)
  }
}

/** Reads a dotted path through documents and arrays (array elements are searched, as queries do). */
function valuesAt(doc: unknown, path: string[]): unknown[] {
  if (path.length === 0) return [doc];
  if (Array.isArray(doc)) {
    const [head] = path;
    if (head !== undefined && /^\d+$/.test(head)) return valuesAt(doc[Number(head)], path.slice(1));
    return doc.flatMap((d) => (isObj(d) || Array.isArray(d) ? valuesAt(d, path) : []));
  }
  if (!isObj(doc)) return [];
  return valuesAt(doc[path[0]!], path.slice(1));
}

function shapesAt(doc: unknown, selector: string): Shape[] {
  return valuesAt(doc, selector.split(".")).flatMap(fieldShapes);
}

// ---------------------------------------------------------------------------------------------
// planar and spherical primitives

const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in radians. */
function sphereDistance(a: Pt, b: Pt): number {
  const dLat = rad(b[1] - a[1]);
  const dLng = rad(b[0] - a[0]);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[1])) * Math.cos(rad(b[1])) * Math.sin(dLng / 2) ** 2;
  return 2 * Math.asin(Math.min(1, Math.sqrt(h)));
}

const flatDistance = (a: Pt, b: Pt) => Math.hypot(a[0] - b[0], a[1] - b[1]);

function onSegment(p: Pt, a: Pt, b: Pt): boolean {
  const cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
  if (Math.abs(cross) > 1e-12) return false;
  return (
    Math.min(a[0], b[0]) - 1e-12 <= p[0] && p[0] <= Math.max(a[0], b[0]) + 1e-12 && Math.min(a[1], b[1]) - 1e-12 <= p[1] && p[1] <= Math.max(a[1], b[1]) + 1e-12
  );
}

/** Even-odd ray casting; points on an edge count as inside. */
function inRing(p: Pt, ring: Pt[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i]!;
    const b = ring[j]!;
    if (onSegment(p, a, b)) return true;
    if (a[1] > p[1] !== b[1] > p[1] && p[0] < ((b[0] - a[0]) * (p[1] - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
  }
  return inside;
}

function inPolygon(p: Pt, polygon: Pt[][]): boolean {
  const [outer, ...holes] = polygon;
  if (!outer || !inRing(p, outer)) return false;
  return !holes.some((h) => inRing(p, h) && !h.some((_, i) => i > 0 && onSegment(p, h[i - 1]!, h[i]!)));
}

function segmentsCross(a: [Pt, Pt], b: [Pt, Pt]): boolean {
  const d = (p: Pt, q: Pt, r: Pt) => (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]);
  const [p1, p2] = a;
  const [p3, p4] = b;
  const d1 = d(p3, p4, p1);
  const d2 = d(p3, p4, p2);
  const d3 = d(p1, p2, p3);
  const d4 = d(p1, p2, p4);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  return onSegment(p1, p3, p4) || onSegment(p2, p3, p4) || onSegment(p3, p1, p2) || onSegment(p4, p1, p2);
}

function samePoint(a: Pt, b: Pt): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

function intersects(a: Shape, b: Shape): boolean {
  const pointTouches = (p: Pt, s: Shape) =>
    s.points.some((q) => samePoint(p, q)) || s.segments.some(([x, y]) => onSegment(p, x, y)) || s.polygons.some((poly) => inPolygon(p, poly));
  if (a.points.some((p) => pointTouches(p, b)) || b.points.some((p) => pointTouches(p, a))) return true;
  return a.segments.some((s) => b.segments.some((t) => segmentsCross(s, t)));
}

// ---------------------------------------------------------------------------------------------
// $geoWithin

type Region = (p: Pt) => boolean;

function withinRegion(value: unknown): Region {
  if (!isObj(value)) fail("$geoWithin needs $geometry, $centerSphere, $center, $box or $polygon");
  const keys = Object.keys(value);
  if (keys.length !== 1) fail(`$geoWithin takes exactly one shape, not ${keys.join(", ") || "none"}`);
  const [key] = keys;
  const v = value[key!];
  switch (key) {
    case "$geometry": {
      const s = geoJSON(v, "$geoWithin $geometry") ?? fail("$geoWithin $geometry must be a GeoJSON Polygon or MultiPolygon");
      if (s.polygons.length === 0) fail("$geoWithin $geometry must be a Polygon or MultiPolygon");
      return (p) => s.polygons.some((poly) => inPolygon(p, poly));
    }
    case "$centerSphere":
    case "$center": {
      const c = Array.isArray(v) ? legacyPoint(v[0]) : undefined;
      const r = Array.isArray(v) ? v[1] : undefined;
      if (!c || !isNum(r) || r < 0) fail(`${key} needs [[x, y], radius]`);
      return key === "$center" ? (p) => flatDistance(p, c) <= r : (p) => sphereDistance(p, c) <= r;
    }
    case "$box": {
      const a = Array.isArray(v) ? legacyPoint(v[0]) : undefined;
      const b = Array.isArray(v) ? legacyPoint(v[1]) : undefined;
      if (!a || !b) fail("$box needs [[x1, y1], [x2, y2]]");
      return (p) => p[0] >= Math.min(a[0], b[0]) && p[0] <= Math.max(a[0], b[0]) && p[1] >= Math.min(a[1], b[1]) && p[1] <= Math.max(a[1], b[1]);
    }
    case "$polygon": {
      const ring = positions(v, "$polygon");
      if (ring.length < 3) fail("$polygon needs at least three points");
      const closed = samePoint(ring[0]!, ring[ring.length - 1]!) ? ring : [...ring, ring[0]!];
      return (p) => inRing(p, closed);
    }
  }
  return fail(`$geoWithin: unknown shape ${key}`);
}

export function $geoWithin(selector: string, value: unknown): (doc: unknown) => boolean {
  const region = withinRegion(value);
  return (doc) => shapesAt(doc, selector).some((s) => s.points.length > 0 && s.points.every(region));
}

// ---------------------------------------------------------------------------------------------
// $geoIntersects

export function $geoIntersects(selector: string, value: unknown): (doc: unknown) => boolean {
  if (!isObj(value) || !isObj(value.$geometry)) fail("$geoIntersects needs { $geometry: <GeoJSON> }");
  const query = geoJSON(value.$geometry, "$geoIntersects $geometry") ?? fail("$geoIntersects $geometry must be GeoJSON");
  return (doc) => shapesAt(doc, selector).some((s) => intersects(s, query));
}

// ---------------------------------------------------------------------------------------------
// $near / $nearSphere

/** A parsed `$near` / `$nearSphere` with its `$maxDistance` / `$minDistance`. */
class NearSpec {
  constructor(
    readonly center: Pt,
    /** Distance of a point from the center, in the unit of min / max. */
    readonly distance: (p: Pt) => number,
    readonly min: number | undefined,
    readonly max: number | undefined,
  ) {}

  /** The smallest distance of any point the field holds; undefined when it holds none. */
  distanceOf(doc: unknown, selector: string): number | undefined {
    let best: number | undefined;
    for (const s of shapesAt(doc, selector)) for (const p of s.points) best = Math.min(best ?? Infinity, this.distance(p));
    return best;
  }
}

function bound(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (!isNum(v) || v < 0) fail(`${name} must be a non-negative number`);
  return v;
}

/**
 * `{ $near: <point or {$geometry, $maxDistance, $minDistance}>, $maxDistance?, $minDistance? }`:
 * GeoJSON points measure meters on the sphere; a legacy pair measures coordinate units
 * (`$near`) or radians (`$nearSphere`).
 */
function parseNear(op: "$near" | "$nearSphere", value: unknown, siblings: Record<string, unknown> = {}): NearSpec {
  if (value instanceof NearSpec) return value;
  if (isObj(value) && "$geometry" in value) {
    const g = value.$geometry;
    const center = isObj(g) && g.type === "Point" ? legacyPoint(g.coordinates) : undefined;
    if (!center) fail(`${op} $geometry must be a GeoJSON Point`);
    const meters = (p: Pt) => sphereDistance(p, center) * EARTH_RADIUS_METERS;
    return new NearSpec(
      center,
      meters,
      bound(value.$minDistance ?? siblings.$minDistance, "$minDistance"),
      bound(value.$maxDistance ?? siblings.$maxDistance, "$maxDistance"),
    );
  }
  const center = legacyPoint(value);
  if (!center) fail(`${op} needs a GeoJSON point ({ $geometry: { type: "Point", coordinates: [lng, lat] } }) or a legacy [x, y] pair`);
  const distance = op === "$nearSphere" ? (p: Pt) => sphereDistance(p, center) : (p: Pt) => flatDistance(p, center);
  return new NearSpec(center, distance, bound(siblings.$minDistance, "$minDistance"), bound(siblings.$maxDistance, "$maxDistance"));
}

function nearOperator(op: "$near" | "$nearSphere") {
  return (selector: string, value: unknown): ((doc: unknown) => boolean) => {
    const spec = parseNear(op, value);
    return (doc) => {
      const d = spec.distanceOf(doc, selector);
      return d !== undefined && (spec.min === undefined || d >= spec.min) && (spec.max === undefined || d <= spec.max);
    };
  };
}

export const $near = nearOperator("$near");
export const $nearSphere = nearOperator("$nearSphere");

/** `$maxDistance` / `$minDistance` only mean something next to `$near` (folded into it by prepareGeoFilter). */
export function $maxDistance(): never {
  fail("$maxDistance is only valid with $near or $nearSphere");
}
export function $minDistance(): never {
  fail("$minDistance is only valid with $near or $nearSphere");
}

/**
 * Folds the `$maxDistance` / `$minDistance` beside a top-level `$near` / `$nearSphere` into a
 * NearSpec (mingo hands an operator only its own value), and returns the distance by which
 * MongoDB orders `$near` results. Works on a filter view.
 */
export function prepareGeoFilter(filter: Record<string, unknown>): { filter: Record<string, unknown>; nearDistance?: (doc: unknown) => number } {
  let nearDistance: ((doc: unknown) => number) | undefined;
  let out: Record<string, unknown> | undefined;
  for (const [field, cond] of Object.entries(filter)) {
    if (field.startsWith("$") || !isObj(cond)) continue;
    const op = "$near" in cond ? "$near" : "$nearSphere" in cond ? "$nearSphere" : undefined;
    if (!op) continue;
    if (nearDistance) fail("too many geoNear expressions: a query can have one $near or $nearSphere");
    const spec = parseNear(op, cond[op], cond);
    const rest = Object.fromEntries(Object.entries(cond).filter(([k]) => k !== "$maxDistance" && k !== "$minDistance" && k !== op));
    out ??= { ...filter };
    out[field] = { ...rest, [op]: spec };
    nearDistance = (doc) => spec.distanceOf(doc, field) ?? Infinity;
  }
  return out ? { filter: out, nearDistance } : { filter };
}
