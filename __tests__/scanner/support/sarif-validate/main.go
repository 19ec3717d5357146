// Command sarif-validate checks SARIF files against a JSON schema and prints every violation, one
// line each. The leakscan tests pass it the OASIS SARIF 2.1.0 schema (see ../sarif-validator.ts).
//
// It validates the document as written. go-sarif's Report.Validate validates its Go structs
// re-encoded instead, which drops properties the schema does not define and fills in defaults, so
// a misspelt or misplaced property would pass.
//
// Exit status: 0 every file valid, 1 a file invalid, 2 usage or I/O error.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/xeipuuv/gojsonschema"
)

func main() {
	schemaFile := flag.String("schema", "", "the JSON schema to validate against")
	flag.Parse()
	if *schemaFile == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: sarif-validate -schema SCHEMA.json FILE...")
		os.Exit(2)
	}
	schemaText, err := os.ReadFile(*schemaFile)
	if err != nil {
		fail(err)
	}
	schema, err := gojsonschema.NewSchema(gojsonschema.NewBytesLoader(schemaText))
	if err != nil {
		fail(fmt.Errorf("%s: %w", *schemaFile, err))
	}
	status := 0
	for _, file := range flag.Args() {
		document, err := os.ReadFile(file)
		if err != nil {
			fail(err)
		}
		result, err := schema.Validate(gojsonschema.NewBytesLoader(document))
		if err != nil {
			// Not JSON at all: as invalid as a document can be.
			fmt.Printf("%s: %v\n", file, err)
			status = 1
			continue
		}
		for _, violation := range result.Errors() {
			fmt.Printf("%s: %s\n", file, violation)
			status = 1
		}
	}
	os.Exit(status)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "sarif-validate:", err)
	os.Exit(2)
}
