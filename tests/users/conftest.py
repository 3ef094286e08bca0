from tests.support.dynamo import dynamodb, store, users_table

__all__ = ["dynamodb", "store", "users_table"]
