"""Partners' webhooks: where one may point, how a delivery is signed, and the delivery loop.

Like `mail/`, this room knows models and nothing of GraphQL; the use cases that manage webhooks
and write events are in `resolvers/`.
"""
