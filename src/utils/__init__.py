"""Helpers shared by the handlers: responses, API Gateway events, DynamoDB access, cursors.

Deliberately empty: importing `utils` must not import boto3 (the hello function never
touches DynamoDB and pays no boto3 import on a cold start). Import the submodule you need.
"""
