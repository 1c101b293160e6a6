resource "google_cloud_scheduler_job" "poll" {
  project     = var.project_id
  region      = var.region
  name        = var.name
  description = "Runs one poll of gcp-status-poller"
  schedule    = var.schedule
  time_zone   = var.time_zone
  # Wait as long as the function may run; a poll that fails (HTTP 500) is retried once, and the
  # next scheduled poll retries anything still pending.
  attempt_deadline = "${var.function_timeout_seconds + 30}s"

  retry_config {
    retry_count          = 1
    min_backoff_duration = "30s"
    max_backoff_duration = "60s"
    max_doublings        = 1
  }

  http_target {
    http_method = "POST"
    uri         = google_cloudfunctions2_function.poller.service_config[0].uri

    oidc_token {
      service_account_email = google_service_account.scheduler.email
      audience              = google_cloudfunctions2_function.poller.service_config[0].uri
    }
  }

  depends_on = [google_cloud_run_v2_service_iam_member.scheduler_invoker]
}
