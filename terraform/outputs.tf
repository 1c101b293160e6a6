output "function_url" {
  description = "URL of the poll function (needs an identity token with run.invoker)."
  value       = google_cloudfunctions2_function.poller.service_config[0].uri
}

output "function_name" {
  description = "Name of the Cloud Run function (and of its Cloud Run service)."
  value       = google_cloudfunctions2_function.poller.name
}

output "scheduler_job_name" {
  description = "Full name of the Cloud Scheduler job that polls on schedule."
  value       = google_cloud_scheduler_job.poll.id
}

output "runtime_service_account" {
  description = "Identity of the function; grant it the viewer role of each watched service in any other project whose resources it watches."
  value       = google_service_account.runtime.email
}

output "scheduler_service_account" {
  description = "Identity Cloud Scheduler invokes the function with (run.invoker on this function only)."
  value       = google_service_account.scheduler.email
}

output "build_service_account" {
  description = "Identity Cloud Build builds the function with."
  value       = google_service_account.build.email
}

output "source_object" {
  description = "The uploaded source archive, named by its content hash."
  value       = "gs://${google_storage_bucket.source.name}/${google_storage_bucket_object.source.name}"
}

output "trigger_poll_command" {
  description = "Runs the scheduler job now: a poll exactly as the schedule runs it."
  value       = "gcloud scheduler jobs run ${google_cloud_scheduler_job.poll.name} --location=${var.region} --project=${var.project_id}"
}

output "curl_poll_command" {
  description = "Polls by hand with your own identity (you need roles/run.invoker on the function); add ?dryRun=true or ?target=NAME."
  value       = "curl -sS -X POST -H \"Authorization: Bearer $(gcloud auth print-identity-token)\" '${google_cloudfunctions2_function.poller.service_config[0].uri}/?dryRun=true'"
}

output "ping_base_url" {
  description = "Base URL of the ping function (null without ping_key_secret_id); a push target pings <base>/<ping-key>/<target>[/start|/fail|/<exit code>]."
  value       = local.ping_enabled ? google_cloudfunctions2_function.ping[0].service_config[0].uri : null
}

output "ping_service_account" {
  description = "Identity of the ping function (Firestore, the ping key and the Slack webhook only)."
  value       = local.ping_enabled ? google_service_account.ping[0].email : null
}

output "status_url" {
  description = "URL of the status function (null with status_page = false); private unless status_public: open it with status_proxy_command."
  value       = local.status_enabled ? google_cloudfunctions2_function.status[0].service_config[0].uri : null
}

output "status_proxy_command" {
  description = "Serves the private status page on http://localhost:8080 with your own identity (you need roles/run.invoker on it: status_viewers); null with status_page = false."
  value       = local.status_enabled ? "gcloud run services proxy ${google_cloudfunctions2_function.status[0].name} --region=${var.region} --project=${var.project_id}" : null
}

output "status_service_account" {
  description = "Identity of the status function (roles/datastore.viewer only)."
  value       = local.status_enabled ? google_service_account.status[0].email : null
}
