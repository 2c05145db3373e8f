exports = async function ({ query }) {
  try {
    const r = await context.http.get({ url: query.url, followRedirects: query.follow === "1" });
    return { status: r.statusCode };
  } catch (e) {
    return { refused: String(e.message || e) };
  }
};
