"""The users handlers (one Lambda function each) and their domain module, `users.service`."""
