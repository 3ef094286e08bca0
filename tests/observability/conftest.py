from tests.support.dynamo import dynamodb, users_table
from tests.support.lambda_logs import log_stream

__all__ = ["dynamodb", "log_stream", "users_table"]
