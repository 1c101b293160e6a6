locals {
  source_dir = coalesce(var.source_dir, "${path.module}/../build/function")

  services = [
    "artifactregistry.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    "cloudscheduler.googleapis.com",
    "firestore.googleapis.com",
    "iam.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
    "storage.googleapis.com",
  ]

  # The viewer role of each API the targets may read, granted per watched project. Each is the
  # role its kind names (functions/checks/*.ts); a test keeps the two the same.
  viewer_roles = {
    alloydb              = "roles/alloydb.viewer"
    bigquerydatatransfer = "roles/bigquery.user" # no narrower role has bigquery.transfers.get
    cloudfunctions       = "roles/cloudfunctions.viewer"
    cloudscheduler       = "roles/cloudscheduler.viewer"
    composer             = "roles/composer.user" # get and list environments; there is no composer.viewer
    compute              = "roles/compute.viewer"
    container            = "roles/container.clusterViewer"
    dataflow             = "roles/dataflow.viewer"
    dataproc             = "roles/dataproc.viewer"
    datastream           = "roles/datastream.viewer"
    monitoring           = "roles/monitoring.viewer" # datastream maxFreshness
    pubsub               = "roles/pubsub.viewer"
    redis                = "roles/redis.viewer"
    run                  = "roles/run.viewer"
    spanner              = "roles/spanner.viewer"
    sqladmin             = "roles/cloudsql.viewer"
    workflows            = "roles/workflows.viewer"
  }
  # The APIs each watched service reads, when more than its own.
  watched_apis = {
    workflows = ["workflows.googleapis.com", "workflowexecutions.googleapis.com"]
  }
  watched_projects = distinct(concat([var.project_id], var.watched_projects, var.datastream_projects))
  viewer_grants = {
    for pair in setproduct(local.watched_projects, var.watched_services) :
    "${pair[0]}/${pair[1]}" => { project = pair[0], role = local.viewer_roles[pair[1]] }
  }

  # What the poll and ping functions need to find their state and their targets (the status
  # function takes only the part it needs: status.tf).
  function_environment = {
    GOOGLE_CLOUD_PROJECT        = var.project_id
    STATE_STORE                 = "firestore"
    FIRESTORE_DATABASE          = var.firestore_database
    FIRESTORE_COLLECTION_PREFIX = var.collection_prefix
    TARGETS_FILE                = "config/targets.yaml"
    # Not a secret: the channel the Slack app posts the default route to (empty: none).
    SLACK_CHANNEL = var.slack_channel == null ? "" : var.slack_channel
    # glibc's malloc keeps an arena per thread (up to 8 per core), which fragments: two keep a
    # poll of 10,000 targets ~40 MB lower (npm run bench runs with it too).
    MALLOC_ARENA_MAX = "2"
  }

  # V8's heap for an instance's memory: half of it for the old generation, the rest for code, the
  # Firestore client and buffers; a young generation of 8 MB semi-spaces rather than the default
  # (up to 3 x 32 MB), which let a poll of 10,000 targets reach 455 MB instead of ~300 MB
  # (npm run bench; it runs with what 512Mi gets here, and a test keeps the two equal).
  heap_mib = { "256Mi" = 128, "512Mi" = 256, "1Gi" = 512, "2Gi" = 1024 }
  node_options = {
    for memory, heap in local.heap_mib : memory => "--max-old-space-size=${heap} --max-semi-space-size=8"
  }

  # Secrets the poll function reads as environment variables: name => secret id.
  secret_env = merge(
    var.secret_environment_variables,
    var.route_webhook_secret_ids,
    var.slack_webhook_secret_id == null ? {} : { SLACK_WEBHOOK_URL = var.slack_webhook_secret_id },
    var.slack_bot_token_secret_id == null ? {} : { SLACK_BOT_TOKEN = var.slack_bot_token_secret_id },
    var.watchdog_url_secret_id == null ? {} : { WATCHDOG_URL = var.watchdog_url_secret_id },
  )
}

resource "google_project_service" "required" {
  for_each = toset(concat(local.services, flatten([
    for service in var.watched_services : lookup(local.watched_apis, service, ["${service}.googleapis.com"])
  ])))

  project = var.project_id
  service = each.value
  # Other things in the project may use these APIs: never turn them off on destroy.
  disable_on_destroy = false
}

resource "google_firestore_database" "poller" {
  count = var.create_firestore_database ? 1 : 0

  project         = var.project_id
  name            = var.firestore_database
  location_id     = coalesce(var.firestore_location, var.region)
  type            = "FIRESTORE_NATIVE"
  deletion_policy = "ABANDON"

  depends_on = [google_project_service.required]
}

# The source: build/function zipped, named by its content hash so that every change of code or
# targets.yaml is a new object and therefore a new deployment.
data "archive_file" "source" {
  type        = "zip"
  source_dir  = local.source_dir
  output_path = "${path.module}/.terraform/tmp/${var.name}-source.zip"

  lifecycle {
    precondition {
      condition     = fileexists("${local.source_dir}/package.json") && fileexists("${local.source_dir}/dist/functions/index.js")
      error_message = "No built function in ${local.source_dir}: run `npm run package` in the repository first (npm run deploy does both)."
    }
  }
}

resource "google_storage_bucket" "source" {
  project                     = var.project_id
  name                        = "${var.project_id}-${var.name}-source"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = true
  labels                      = var.labels

  lifecycle_rule {
    condition {
      age = 30
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.required]
}

resource "google_storage_bucket_object" "source" {
  name   = "function-source-${data.archive_file.source.output_md5}.zip"
  bucket = google_storage_bucket.source.name
  source = data.archive_file.source.output_path
}

resource "google_cloudfunctions2_function" "poller" {
  project     = var.project_id
  name        = var.name
  location    = var.region
  description = "gcp-status-poller: polls config/targets.yaml and alerts Slack on changes"

  lifecycle {
    precondition {
      condition     = var.slack_channel == null || var.slack_bot_token_secret_id != null
      error_message = "slack_channel is posted by the Slack app: set slack_bot_token_secret_id too (docs/slack-app.md)."
    }
  }
  labels = var.labels

  build_config {
    runtime         = var.runtime
    entry_point     = "poll"
    service_account = google_service_account.build.id

    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    available_memory               = var.function_memory
    timeout_seconds                = var.function_timeout_seconds
    min_instance_count             = 0
    max_instance_count             = var.max_instances
    ingress_settings               = var.ingress
    all_traffic_on_latest_revision = true
    service_account_email          = google_service_account.runtime.email

    environment_variables = merge(
      var.environment_variables,
      local.function_environment,
      # V8's sizing first, then the operator's own flags, which Node lets win.
      { NODE_OPTIONS = trimspace("${local.node_options[var.function_memory]} ${lookup(var.environment_variables, "NODE_OPTIONS", "")}") },
    )

    dynamic "secret_environment_variables" {
      for_each = local.secret_env
      content {
        key        = secret_environment_variables.key
        project_id = var.project_id
        secret     = secret_environment_variables.value
        version    = "latest"
      }
    }
  }

  depends_on = [
    google_project_service.required,
    google_firestore_database.poller,
    google_project_iam_member.build,
    google_secret_manager_secret_iam_member.runtime,
  ]
}
