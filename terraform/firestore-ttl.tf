# History that lasts 90 days and no longer: transitions, and the Slack app's incidents and their
# pointers, carry `expireAt` (90 days after their last change, functions/store/shared.ts); a TTL
# policy on that field has Firestore delete them once it has passed (within about a day, at no
# write cost). No single-field index on it: TTL needs none, and it would cost writes.
resource "google_firestore_field" "expire_at" {
  for_each = toset(["transitions", "incidents", "incident-of"])

  project    = var.project_id
  database   = var.firestore_database
  collection = "${var.collection_prefix}${each.value}"
  field      = "expireAt"

  ttl_config {}
  index_config {}

  depends_on = [google_firestore_database.poller]
}
