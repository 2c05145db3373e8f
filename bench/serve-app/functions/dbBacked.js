exports = async function () {
  const coll = context.services.get("mongodb-atlas").db("bench").collection("hits");
  const { insertedId } = await coll.insertOne({ at: 1 });
  const doc = await coll.findOne({ _id: insertedId });
  return { ok: doc !== null };
};
