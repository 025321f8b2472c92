"""(filled by its part of issue 15)"""

urlpatterns: list = []
