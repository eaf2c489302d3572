"""The bare Flask "hello" page the results page's throughput is compared with (bench_throughput.py)."""
from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "hello"
