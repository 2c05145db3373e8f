exports = function () {
  return { id: context.user.id, type: context.user.type, providers: context.user.identities.map((i) => i.provider_type) };
};
