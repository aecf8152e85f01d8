"""The plugin's GraphQL: plain graphene 2, reaching Saleor only through the adapter."""
