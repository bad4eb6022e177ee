namespace StreamGateway.Network.Selection;

public sealed record WeightedCandidate(Candidate Candidate, double Probability);
