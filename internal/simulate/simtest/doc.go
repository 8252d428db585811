// Package simtest simulates plants into capture files for the tests of the packages that
// read captures (discovery, verification, proposals, detection). Tests only: nothing
// the zonewarden binary runs imports it.
package simtest
