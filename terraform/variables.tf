variable "project_id" {
  type        = string
  description = "Project that runs the poller: the function, its scheduler job, Firestore and the secrets."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a Google Cloud project id: 6 to 30 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "region" {
  type        = string
  description = "Region of the function and the scheduler job, e.g. asia-northeast1."
  default     = "asia-northeast1"

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must be a Cloud Run region such as asia-northeast1 or europe-west1 (not a zone like asia-northeast1-a)."
  }
}

variable "name" {
  type        = string
  description = "Name of the function and scheduler job, and prefix of the service accounts."
  default     = "gcp-status-poller"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name))
    error_message = "name must be 3 to 20 lowercase letters, digits or hyphens (service account ids add a suffix and may not exceed 30)."
  }
}

variable "source_dir" {
  type        = string
  description = "Folder with the built function (npm run package writes build/function). Null: ../build/function beside this module."
  default     = null
}

variable "runtime" {
  type        = string
  description = "Cloud Run functions runtime."
  default     = "nodejs24"

  validation {
    condition     = contains(["nodejs22", "nodejs24"], var.runtime)
    error_message = "runtime must be nodejs24 (tested) or nodejs22."
  }
}

variable "schedule" {
  type        = string
  description = "When Cloud Scheduler polls, as a five-field cron expression."
  default     = "*/5 * * * *"

  validation {
    condition     = length(regexall("\\S+", var.schedule)) == 5
    error_message = "schedule must be a cron expression with five fields (minute hour day-of-month month day-of-week), e.g. \"*/5 * * * *\"."
  }
}

variable "time_zone" {
  type        = string
  description = "IANA time zone of the schedule."
  default     = "Etc/UTC"
}

variable "function_memory" {
  type        = string
  description = "Memory of each poll function instance. 512Mi polls 10,000 heartbeat targets (peak RSS 241–272 MB in npm run bench, with the NODE_OPTIONS and MALLOC_ARENA_MAX this module sets); choose 1Gi beyond that."
  default     = "512Mi"

  validation {
    condition     = contains(["256Mi", "512Mi", "1Gi", "2Gi"], var.function_memory)
    error_message = "function_memory must be one of 256Mi, 512Mi, 1Gi, 2Gi."
  }
}

variable "function_timeout_seconds" {
  type        = number
  description = "How long one poll may take. A poll normally ends within seconds; its bounds (a target's timeout at most 1 min, a store call 20 s, delivery 30 s) need 120 s at worst."
  default     = 120

  validation {
    condition     = var.function_timeout_seconds >= 120 && var.function_timeout_seconds <= 1770
    error_message = "function_timeout_seconds must be between 120 (what a poll's own bounds add up to) and 1770 (Cloud Scheduler waits at most 30 minutes)."
  }
}

variable "max_instances" {
  type        = number
  description = "Most function instances at once. Polls are short and serialized by Firestore transactions; a few are plenty."
  default     = 2

  validation {
    condition     = var.max_instances >= 1 && var.max_instances <= 10
    error_message = "max_instances must be between 1 and 10."
  }
}

variable "ingress" {
  type        = string
  description = "Network ingress of the function. Every request needs an identity token with run.invoker whatever this is; ALLOW_INTERNAL_ONLY also closes the network path from outside your VPC (manual curl then works only from inside)."
  default     = "ALLOW_ALL"

  validation {
    condition     = contains(["ALLOW_ALL", "ALLOW_INTERNAL_ONLY", "ALLOW_INTERNAL_AND_GCLB"], var.ingress)
    error_message = "ingress must be ALLOW_ALL, ALLOW_INTERNAL_ONLY or ALLOW_INTERNAL_AND_GCLB."
  }
}

variable "slack_webhook_secret_id" {
  type        = string
  description = "Id of the Secret Manager secret that holds the Slack webhook URL, created beforehand with gcloud so that the URL never enters Terraform state (see docs/deploy.md). Null: messages are only logged."
  default     = null
}

variable "slack_bot_token_secret_id" {
  type        = string
  description = "Id of the Secret Manager secret holding the Slack app's bot token (xoxb-…; slack/manifest.yaml, docs/slack-app.md), created with gcloud so that it never enters Terraform state. Routes written { channel: C… } need it; with slack_channel the app is the default route. Null: no Slack app."
  default     = null
}

variable "slack_channel" {
  type        = string
  description = "The channel id (C…) the Slack app posts the default route to, one message per incident; it takes the place of slack_webhook_secret_id. Needs slack_bot_token_secret_id."
  default     = null

  validation {
    condition     = var.slack_channel == null || can(regex("^[CG][A-Z0-9]{2,}$", coalesce(var.slack_channel, "C00")))
    error_message = "slack_channel is a channel id such as C0123DATA (the channel's details show it), not its name."
  }
}

variable "watchdog_url_secret_id" {
  type        = string
  description = "Id of a Secret Manager secret holding a dead-man's-switch URL (Healthchecks, Better Stack…) pinged after each successful poll. Null: no watchdog."
  default     = null
}

variable "route_webhook_secret_ids" {
  type        = map(string)
  description = "Webhook URLs of the named routes of targets.yaml, read from Secret Manager, as ENV_VAR = secret id (the variable the route names, e.g. SLACK_WEBHOOK_DATA). Both functions get them: the ping sends a failure alert at once through its target's route."
  default     = {}

  validation {
    condition     = alltrue([for name in keys(var.route_webhook_secret_ids) : can(regex("^[A-Z_][A-Z0-9_]*$", name))])
    error_message = "route_webhook_secret_ids keys are environment variable names such as SLACK_WEBHOOK_DATA."
  }
}

variable "secret_environment_variables" {
  type        = map(string)
  description = "More environment variables of the poll function read from Secret Manager (latest version), as NAME = secret id; for tokens used as $${NAME} in target headers. The ping function does not get them (route webhooks go in route_webhook_secret_ids)."
  default     = {}

  validation {
    condition     = !contains(keys(var.secret_environment_variables), "NODE_OPTIONS")
    error_message = "NODE_OPTIONS is no secret and the module sets it (V8's heap for the instance): put your own flags in environment_variables, where they are added after the module's."
  }
}

variable "environment_variables" {
  type        = map(string)
  description = "More plain environment variables for the poll function (never secrets: they are stored in Terraform state). A NODE_OPTIONS here is added after the module's own V8 flags."
  default     = {}
}

variable "create_firestore_database" {
  type        = bool
  description = "Create the Firestore database (native mode). False: use an existing one."
  default     = false
}

variable "firestore_database" {
  type        = string
  description = "Firestore database id."
  default     = "(default)"
}

variable "firestore_location" {
  type        = string
  description = "Location of the Firestore database when it is created. Null: the region."
  default     = null
}

variable "collection_prefix" {
  type        = string
  description = "Prefix of the poller's Firestore collections, so that several pollers can share a database."
  default     = ""

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]*$", var.collection_prefix))
    error_message = "collection_prefix may hold only letters, digits, - and _."
  }
}

variable "watched_services" {
  type        = list(string)
  description = "The Google APIs the targets read: each is enabled in this project and its viewer role (local.viewer_roles) granted to the poller here and in watched_projects. One per kind: alloydb, bigquerydatatransfer (bq-transfer), cloudfunctions (cloud-function), cloudscheduler (scheduler-job), composer, compute (compute-instance), container (gke-cluster, gke-nodepool), dataflow, dataproc, datastream, pubsub (pubsub-subscription), redis, run (cloud-run), spanner, sqladmin (cloudsql), workflows (workflow); monitoring for datastream maxFreshness. A gcp-resource target's role is granted by hand."
  default     = ["datastream"]

  validation {
    condition = alltrue([for service in var.watched_services : contains([
      "alloydb", "bigquerydatatransfer", "cloudfunctions", "cloudscheduler", "composer", "compute", "container",
      "dataflow", "dataproc", "datastream", "monitoring", "pubsub", "redis", "run", "spanner", "sqladmin", "workflows",
    ], service)])
    error_message = "watched_services takes alloydb, bigquerydatatransfer, cloudfunctions, cloudscheduler, composer, compute, container, dataflow, dataproc, datastream, monitoring, pubsub, redis, run, spanner, sqladmin and workflows."
  }
}

variable "watched_projects" {
  type        = list(string)
  description = "Other projects whose resources are targets; the poller gets the viewer roles of watched_services there (the applier needs the right to grant them)."
  default     = []
}

variable "datastream_projects" {
  type        = list(string)
  description = "Former name of watched_projects, still read: projects added to it."
  default     = []
}

variable "notification_channels" {
  type        = list(string)
  description = "Monitoring notification channel ids told when the poller itself fails or stops (projects/P/notificationChannels/ID)."
  default     = []
}

variable "absence_alert_minutes" {
  type        = number
  description = "Alert when no poll has finished for this long."
  default     = 30

  validation {
    condition     = var.absence_alert_minutes >= 10 && var.absence_alert_minutes <= 1440
    error_message = "absence_alert_minutes must be between 10 and 1440."
  }
}

variable "labels" {
  type        = map(string)
  description = "Labels put on the resources that take them."
  default     = {}
}

variable "ping_key_secret_id" {
  type        = string
  description = "Id of the Secret Manager secret holding the ping key of push targets (openssl rand -hex 16). Set: the public ping function is deployed. Null: no ping function."
  default     = null
}

variable "ping_max_instances" {
  type        = number
  description = "Most ping function instances at once; each ping takes a few milliseconds."
  default     = 5

  validation {
    condition     = var.ping_max_instances >= 1 && var.ping_max_instances <= 50
    error_message = "ping_max_instances must be between 1 and 50."
  }
}

variable "status_page" {
  type        = bool
  description = "Deploy the read-only status function (entry point status, its own account reading Firestore only). False: no status function, and status_public and status_viewers do nothing."
  default     = true
}

variable "status_public" {
  type        = bool
  description = "Let anyone invoke the status function: anyone with the URL sees the targets' names, states and uptime. The function then shows no detail, route or console link, since an error detail can carry what a target answered. False: only status_viewers may open it."
  default     = false
}

variable "status_viewers" {
  type        = list(string)
  description = "Who may open the private status page (roles/run.invoker on the status function alone), as IAM members: user:…, group:…, serviceAccount:… or domain:…. They open it with the output status_proxy_command (gcloud run services proxy, which forwards with their identity)."
  default     = []

  validation {
    condition = alltrue([
      for member in var.status_viewers :
      can(regex("^((user|group|serviceAccount):[^@\\s]+@[^@\\s]+\\.[^@\\s]+|domain:[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+)$", member))
    ])
    error_message = "status_viewers are IAM members such as user:ana@example.com, group:oncall@example.com, serviceAccount:dash@acme.iam.gserviceaccount.com or domain:example.com."
  }
}

variable "status_max_instances" {
  type        = number
  description = "Most status function instances at once; also what a public page can cost under load."
  default     = 2

  validation {
    condition     = var.status_max_instances >= 1
    error_message = "status_max_instances must be at least 1."
  }
}
