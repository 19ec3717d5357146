module leakscan.test/sarif-validate

go 1.24

require github.com/xeipuuv/gojsonschema v1.2.0

// Not imported: ../sarif-validator.ts reads the OASIS SARIF 2.1.0 schema this module embeds
// (pkg/report/v210/sarif/schema.go) and passes it to the validator, so this line and go.sum pin the
// schema. `go mod tidy` would drop it: keep it.
require github.com/owenrumney/go-sarif/v3 v3.3.1

require (
	github.com/xeipuuv/gojsonpointer v0.0.0-20180127040702-4e3ac2762d5f // indirect
	github.com/xeipuuv/gojsonreference v0.0.0-20180127040603-bd5ef7bd5415 // indirect
)
