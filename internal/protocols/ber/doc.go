// Package ber reads BER (X.690) elements in place, definite lengths only: the OSI upper
// layers, MMS and GOOSE as devices send them never use the indefinite form, and refusing
// it keeps every element's end known before its content is read. Nothing is allocated.
//
// It knows no protocol: what the elements mean is for the protocol packages (mms, goose).
package ber
