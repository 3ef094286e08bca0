"""The front end: read the OpenAPI document, check it, and parse it once into the model."""
