from ninja import NinjaAPI

api = NinjaAPI(title="Kagazsyz API", version="1", urls_namespace="api-v1")
