//go:build unix

package readfile

import "syscall"

const nonBlock = syscall.O_NONBLOCK
