package simulate

// scenario injects the attack scenario's events as the run progresses.
type scenario struct{}

func (sc *scenario) poll(s *sim) {}

func (s *sim) planAttack() {}
