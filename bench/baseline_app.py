"""The bare baseline for the cold-import benchmark (bench/run.py, part a).

The smallest Lambda a Chalice + boto3 service can be: import chalice and boto3, create the app
and one boto3 client (S3, the first client Steady itself builds), register one route.
Nothing else; do not grow it, or the comparison stops meaning anything.
"""

import os

import boto3
from chalice import Chalice

app = Chalice(app_name="baseline")
s3 = boto3.client("s3", region_name=os.environ.get("AWS_REGION", "us-east-1"))


@app.route("/")
def index():  # type: ignore[no-untyped-def]
    return {"hello": "world"}
