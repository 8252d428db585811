//go:build !unix

package readfile

// Systems without named pipes in the Unix sense open files blocking.
const nonBlock = 0
