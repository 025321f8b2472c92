from ninja import NinjaAPI

api = NinjaAPI(title="Fangxian API", version="1", urls_namespace="api")
