# The public `ping` function for push targets: cron hosts have no Google identity, so anyone may
# call it, and the secret ping key in its path is what protects it (a wrong key is a plain 404).
# It runs as its own account with what its path needs and nothing more: Firestore, the ping key,
# and the Slack webhooks (default and routes) and app token for the immediate alert on a failure ping. No header
# tokens, no watchdog, no Datastream: the ping resolves only its own target, so a ${VAR} that
# another target uses cannot fail it (test/integration/ping-environment.test.ts starts it with
# exactly this environment).

locals {
  ping_enabled = var.ping_key_secret_id != null
  ping_secret_env = local.ping_enabled ? merge(
    var.route_webhook_secret_ids,
    { PING_KEY = var.ping_key_secret_id },
    var.slack_webhook_secret_id == null ? {} : { SLACK_WEBHOOK_URL = var.slack_webhook_secret_id },
    var.slack_bot_token_secret_id == null ? {} : { SLACK_BOT_TOKEN = var.slack_bot_token_secret_id },
  ) : {}
}

resource "google_service_account" "ping" {
  count = local.ping_enabled ? 1 : 0

  project      = var.project_id
  account_id   = "${var.name}-ping"
  display_name = "gcp-status-poller ping (public check-ins of push targets)"
}

resource "google_project_iam_member" "ping_firestore" {
  count = local.ping_enabled ? 1 : 0

  project = var.project_id
  role    = "roles/datastore.user"
  member  = "serviceAccount:${google_service_account.ping[0].email}"
}

resource "google_secret_manager_secret_iam_member" "ping" {
  for_each = local.ping_secret_env

  project   = var.project_id
  secret_id = each.value
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.ping[0].email}"
}

resource "google_cloudfunctions2_function" "ping" {
  count = local.ping_enabled ? 1 : 0

  project     = var.project_id
  name        = "${var.name}-ping"
  location    = var.region
  description = "gcp-status-poller: check-ins of push targets (/<ping-key>/<target>)"
  labels      = var.labels

  build_config {
    runtime         = var.runtime
    entry_point     = "ping"
    service_account = google_service_account.build.id

    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    available_memory               = "256Mi"
    timeout_seconds                = 30
    min_instance_count             = 0
    max_instance_count             = var.ping_max_instances
    ingress_settings               = "ALLOW_ALL"
    all_traffic_on_latest_revision = true
    service_account_email          = google_service_account.ping[0].email

    environment_variables = merge(local.function_environment, { NODE_OPTIONS = local.node_options["256Mi"] })

    dynamic "secret_environment_variables" {
      for_each = local.ping_secret_env
      content {
        key        = secret_environment_variables.key
        project_id = var.project_id
        secret     = secret_environment_variables.value
        version    = "latest"
      }
    }
  }

  depends_on = [
    # The poller first: a new version may store states in a form an older poller cannot read,
    # while an older ping meeting the new form only defers its alert to the next poll.
    google_cloudfunctions2_function.poller,
    google_project_service.required,
    google_firestore_database.poller,
    google_project_iam_member.build,
    google_secret_manager_secret_iam_member.ping,
  ]
}

# Public always, on the ping function alone (the status page is public only with status_public).
resource "google_cloud_run_v2_service_iam_member" "ping_public" {
  count = local.ping_enabled ? 1 : 0

  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.ping[0].name
  role     = "roles/run.invoker"
  member   = "allUsers"
}
