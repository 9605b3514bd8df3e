from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PolicyConfig(AppConfig):
    name = "jikim.policy"
    label = "policy"
    verbose_name = "개인정보처리방침"

    def ready(self) -> None:
        from jikim.policy import checks, retention_sources, versions

        assert checks  # imported to register the start-up checks

        retention_sources.register()
        # A fresh install records the policy it starts with (see versions.py).
        post_migrate.connect(
            versions.ensure_baseline_after_migrate, sender=self, dispatch_uid="policy_baseline"
        )
