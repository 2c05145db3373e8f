exports = function ({ query }) {
  return { hello: query.name || context.values.get("greeting") };
};
