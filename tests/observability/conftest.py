from tests.support.dynamo import dynamodb, store, users_table
from tests.support.lambda_logs import log_stream

__all__ = ["dynamodb", "log_stream", "store", "users_table"]
