"""gunicorn's settings for every server of the project (read from the working directory).

Idle keep-alive connections are kept longer than a browser or a client library pauses between
requests (and than a load balancer's idle timeout, commonly 60 s): gunicorn's default, 2 s, closes
connections a client is about to reuse, and a POST sent on a closing connection is lost
(bench/load.py found beacons lost that way).
"""

keepalive = 75
