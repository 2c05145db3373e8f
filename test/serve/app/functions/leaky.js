// Throws with a Secret's value in its message: serve's log must not show it.
exports = function () {
  throw new Error("upstream refused token " + context.values.get("apiToken"));
};
