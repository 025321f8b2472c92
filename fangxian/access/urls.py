from django.urls import path

from . import console_views, views

app_name = "access"

urlpatterns = [
    path("checkpoints/", views.checkpoint_list, name="checkpoint_list"),
    path("checkpoints/new/", views.checkpoint_create, name="checkpoint_create"),
    path("checkpoints/<int:pk>/readiness/", views.readiness_tick, name="readiness_tick"),
    # The checkpoint console (console_views.py): the service worker sits at /access/console/
    # so that its scope covers every console page.
    path("console/sw.js", console_views.console_sw, name="console_sw"),
    path("console/<int:checkpoint_id>/", console_views.console, name="console"),
    path("console/<int:checkpoint_id>/manifest.webmanifest", console_views.console_manifest,
         name="console_manifest"),
    path("passes/", views.pass_list, name="pass_list"),
    path("passes/cards.pdf", views.pass_cards, name="pass_cards"),
    path("passes/<int:pk>/", views.pass_detail, name="pass_detail"),
    path("passes/<int:pk>/revoke/", views.pass_revoke, name="pass_revoke"),
    path("passes/<int:pk>/reissue/", views.pass_reissue, name="pass_reissue"),
    path("people/<int:pk>/pass/", views.pass_issue, name="pass_issue"),
    path("buildings/<int:pk>/passes/", views.building_passes, name="building_passes"),
    path("buildings/<int:pk>/cards.pdf", views.building_cards, name="building_cards"),
    path("p/<str:token>/", views.pass_phone, name="pass_phone"),
    path("passages/", views.passage_list, name="passage_list"),
    path("passages/export.xlsx", views.passage_export, name="passage_export"),
    path("refusals/", views.refusal_list, name="refusal_list"),
    path("fever/", views.fever_alert_list, name="fever_alert_list"),
    path("fever/<int:pk>/assign/", views.fever_alert_assign, name="fever_alert_assign"),
    path("fever/<int:pk>/close/", views.fever_alert_close, name="fever_alert_close"),
    path("rules/", views.rule_list, name="rule_list"),
    path("keys/", views.key_list, name="key_list"),
    path("keys/<int:pk>/rotate/", views.key_rotate, name="key_rotate"),
]
