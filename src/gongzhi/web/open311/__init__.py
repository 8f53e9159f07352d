"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): the catalogue as services, cases as requests.

router    the routes under /open311/v2 (thin: parse, call the domain, render)
route     the route class that answers every error in the specification's format
params    reading and checking what clients send
submit    POST requests as one use case over the ordinary intake
(the reads live in gongzhi.cases.georeport: services, public requests by several codes)
mapping   domain objects as Open311 documents
render    JSON or XML
"""

from gongzhi.web.open311.router import router

__all__ = ["router"]
