namespace StreamGateway.Orchestrator;

/// <summary>Ways a cheating orchestrator can fail the work it is paid for.</summary>
public enum Misbehaviour
{
    None,
    /// <summary>Each rendition at half the size asked for (pixels reported truthfully for what it made).</summary>
    WrongSize,
    /// <summary>The right size, frames and duration, but the picture upside down: only a comparison with the source sees it.</summary>
    WrongPicture,
    /// <summary>Random bytes in place of each rendition, with the pixel counts of honest ones.</summary>
    Garbage,
    /// <summary>
    /// Takes the tickets of every segment, but serves only each session's first: the payment of every later one is
    /// refused as short ("Insufficient balance"), so that a gateway opens a new session and pays again.
    /// </summary>
    RefusePayment,
}
