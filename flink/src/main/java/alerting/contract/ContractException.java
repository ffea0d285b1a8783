package alerting.contract;

/** A record that does not satisfy its JSON contract; the message names the offending field. */
public class ContractException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ContractException(String message) {
        super(message);
    }

    public ContractException(String message, Throwable cause) {
        super(message, cause);
    }
}
