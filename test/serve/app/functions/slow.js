exports = async function ({ query }) {
  await new Promise((resolve) => setTimeout(resolve, Number(query.ms || 1000)));
  return { slept: Number(query.ms || 1000) };
};
