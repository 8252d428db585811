package observe_test

// observe's tests run the pipeline with every built-in protocol registered, as the
// commands do.
import _ "github.com/zonewarden/zonewarden/internal/protocols/builtin"
