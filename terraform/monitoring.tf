# Who watches the watcher: the poller's own summary log lines become two metrics, and an alert
# policy fires when a poll fails (500: bad config, Firestore down, Slack refusing) or when no poll
# has finished for absence_alert_minutes (scheduler paused, function broken, quota).

locals {
  poller_logs = <<-EOT
    resource.type="cloud_run_revision"
    resource.labels.service_name="${var.name}"
    jsonPayload.pollSummary=true
  EOT
}

resource "google_logging_metric" "polls" {
  project     = var.project_id
  name        = "${var.name}/polls"
  description = "Polls that finished, successfully or not (one summary line each)"
  filter      = local.poller_logs

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
  }

  depends_on = [google_project_service.required]
}

resource "google_logging_metric" "poll_failures" {
  project     = var.project_id
  name        = "${var.name}/poll_failures"
  description = "Polls that failed or left a notification pending (summary lines at ERROR)"
  filter      = "${local.poller_logs}severity>=ERROR"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
  }

  depends_on = [google_project_service.required]
}

resource "google_monitoring_alert_policy" "poller" {
  project               = var.project_id
  display_name          = "${var.name}: polls failing or stopped"
  combiner              = "OR"
  notification_channels = var.notification_channels

  conditions {
    display_name = "a poll failed"

    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.poll_failures.name}\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }

  conditions {
    display_name = "no poll finished for ${var.absence_alert_minutes} minutes"

    condition_absent {
      filter   = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.polls.name}\" AND resource.type=\"cloud_run_revision\""
      duration = "${var.absence_alert_minutes * 60}s"

      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }

  alert_strategy {
    auto_close = "1800s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = <<-EOT
      The status poller **${var.name}** failed a poll or stopped polling, so changes of its targets may go unnoticed.
      Read its summary lines: `resource.labels.service_name="${var.name}" jsonPayload.pollSummary=true`.
      The `error` field says why (invalid targets.yaml with field and line, Firestore unreachable, Slack refusing the webhook).
    EOT
  }
}
