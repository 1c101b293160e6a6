# The read-only `status` function: a page of the targets' states for people. Private like `poll`:
# only status_viewers may open it (gcloud run services proxy forwards with their identity), or
# anyone with status_public, which then shows no detail, route or console link. It runs as its
# own account, which reads Firestore and nothing else: no secret, no Slack, no watched service.

locals {
  status_enabled = var.status_page

  # What it needs to find its state and its targets, and nothing secret or Slack's: named one by
  # one, so that what function_environment gains later does not reach the page unseen.
  status_environment = {
    GOOGLE_CLOUD_PROJECT        = local.function_environment.GOOGLE_CLOUD_PROJECT
    STATE_STORE                 = local.function_environment.STATE_STORE
    FIRESTORE_DATABASE          = local.function_environment.FIRESTORE_DATABASE
    FIRESTORE_COLLECTION_PREFIX = local.function_environment.FIRESTORE_COLLECTION_PREFIX
    TARGETS_FILE                = local.function_environment.TARGETS_FILE
    MALLOC_ARENA_MAX            = local.function_environment.MALLOC_ARENA_MAX
    STATUS_PUBLIC               = var.status_public ? "true" : "false"
  }
}

resource "google_service_account" "status" {
  count = local.status_enabled ? 1 : 0

  project      = var.project_id
  account_id   = "${var.name}-status"
  display_name = "gcp-status-poller status (read-only status page)"
}

resource "google_project_iam_member" "status_firestore" {
  count = local.status_enabled ? 1 : 0

  project = var.project_id
  role    = "roles/datastore.viewer"
  member  = "serviceAccount:${google_service_account.status[0].email}"
}

resource "google_cloudfunctions2_function" "status" {
  count = local.status_enabled ? 1 : 0

  project     = var.project_id
  name        = "${var.name}-status"
  location    = var.region
  description = "gcp-status-poller: read-only status page of the targets"
  labels      = var.labels

  build_config {
    runtime         = var.runtime
    entry_point     = "status"
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
    max_instance_count             = var.status_max_instances
    ingress_settings               = var.ingress
    all_traffic_on_latest_revision = true
    service_account_email          = google_service_account.status[0].email

    environment_variables = merge(local.status_environment, { NODE_OPTIONS = local.node_options["256Mi"] })
  }

  depends_on = [
    # The poller first, as for the ping: a new version may store states in a form an older page
    # cannot read.
    google_cloudfunctions2_function.poller,
    google_project_service.required,
    google_firestore_database.poller,
    google_project_iam_member.build,
    google_project_iam_member.status_firestore,
  ]
}

# Public only when asked: anyone with the URL then sees the targets' names, states and uptime.
resource "google_cloud_run_v2_service_iam_member" "status_public" {
  count = local.status_enabled && var.status_public ? 1 : 0

  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.status[0].name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

# The people (or groups, or a domain) who may open the private page.
resource "google_cloud_run_v2_service_iam_member" "status_viewers" {
  for_each = local.status_enabled ? toset(var.status_viewers) : toset([])

  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.status[0].name
  role     = "roles/run.invoker"
  member   = each.value
}
