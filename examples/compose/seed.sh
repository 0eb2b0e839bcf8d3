#!/bin/sh
# The guide's example parameters, put into LocalStack's Parameter Store by the `seed` service
# (amazon/aws-cli; AWS_ENDPOINT_URL points at LocalStack, and is passed as --endpoint-url too, for
# aws CLI versions before 2.13 that do not read it). --overwrite: a second `up` changes nothing.
# Prints names only, never values.
set -eu

ssm() {
  if [ -n "${AWS_ENDPOINT_URL:-}" ]; then aws --endpoint-url "$AWS_ENDPOINT_URL" ssm "$@"; else aws ssm "$@"; fi
}

put() {
  ssm put-parameter --name "$1" --value "$2" --type "$3" --overwrite --query Version --output text >/dev/null
  echo "seeded $1 ($3)"
}

put /ELASMETRICS/STAGING/ELASTICSEARCH/USERNAME elastic_user String
put /ELASMETRICS/STAGING/ELASTICSEARCH/PASSWORD staging-es-pass SecureString
put /ELASMETRICS/STAGING/MYSQL/HOST db.internal String
put /ELASMETRICS/STAGING/MYSQL/USER metrics_user String
put /ELASMETRICS/STAGING/MYSQL/PASSWORD staging-mysql-pass SecureString
