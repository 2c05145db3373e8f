exports = async function ({ body }) {
  const orders = context.services.get("mongodb-atlas").db("shop").collection("orders");
  const doc = JSON.parse(body.text());
  await orders.insertOne({ sku: doc.sku, qty: doc.qty });
  return { count: await orders.count({}) };
};
