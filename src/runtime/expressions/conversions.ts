// The conversion operators `%stringToOid`, `%oidToString`, `%stringToUuid` and `%uuidToString`
// (https://www.mongodb.com/docs/atlas/app-services/rules/expressions/) on a
// value already expanded; a missing input converts to missing before it gets here.

import { ObjectId, UUID } from "bson";
import { bsonTag } from "../bson-values.js";
import type { ValueOp } from "./syntax.js";
import { show } from "./trace.js";

/** `input` converted by `op`; throws when it cannot be. */
export function convert(op: Exclude<ValueOp, "function">, input: unknown): unknown {
  switch (op) {
    case "stringToOid":
      if (bsonTag(input) === "ObjectId") return input;
      if (typeof input === "string" && /^[0-9a-fA-F]{24}$/.test(input)) return ObjectId.createFromHexString(input);
      throw new Error(`%stringToOid: ${show(input)} is not a 24-digit hex ObjectId string`);
    case "oidToString":
      if (bsonTag(input) === "ObjectId") return (input as ObjectId).toHexString();
      if (typeof input === "string") return input;
      throw new Error(`%oidToString: ${show(input)} is not an ObjectId`);
    case "stringToUuid":
      if (bsonTag(input) === "Binary" && (input as { sub_type: number }).sub_type === 4) return input;
      if (typeof input === "string") {
        try {
          return new UUID(input);
        } catch {
          /* reported below */
        }
      }
      throw new Error(`%stringToUuid: ${show(input)} is not a UUID string`);
    case "uuidToString":
      if (bsonTag(input) === "Binary" && (input as { sub_type: number }).sub_type === 4) {
        return (input as { toUUID(): UUID }).toUUID().toHexString(true);
      }
      if (typeof input === "string") return input;
      throw new Error(`%uuidToString: ${show(input)} is not a UUID`);
  }
}
