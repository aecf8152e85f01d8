"""`make benchmark`: what the attention plugin costs Saleor's real GraphQL API."""
