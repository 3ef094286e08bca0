from tests.support.dynamo import dynamodb, users_table

__all__ = ["dynamodb", "users_table"]
