package dev.eventline.examples.bank.domain;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * Argument checks shared by the command records of every aggregate.
 * <p>
 * The HTTP layer checks the same rules first, with messages naming the JSON field; these checks keep the domain
 * safe when it is used from Java directly.
 */
public final class Values {

    /** Ids longer than this are refused: an id is a key, not a document; the event store takes up to 200. */
    public static final int MAX_ID_LENGTH = 100;
    /** The largest amount of one operation: 999,999,999,999.99. */
    public static final BigDecimal MAX_AMOUNT = new BigDecimal("999999999999.99");
    /** Amounts have at most this many decimals (cents). */
    public static final int MAX_SCALE = 2;

    private Values() {
    }

    /**
     * @param value the id to check
     * @param field the field's name, for the message
     * @return the id
     * @throws IllegalArgumentException when it is blank or longer than {@link #MAX_ID_LENGTH}
     */
    public static String requireId(String value, String field) {
        Objects.requireNonNull(value, field);
        if (value.isBlank() || value.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException(field + " must be 1 to " + MAX_ID_LENGTH
                + " characters and not blank (length: " + value.length() + ")");
        }
        return value;
    }

    /**
     * @param value the text to check
     * @param field the field's name, for the message
     * @param maxLength the longest allowed text
     * @return the text
     */
    public static String requireText(String value, String field, int maxLength) {
        Objects.requireNonNull(value, field);
        if (value.isBlank() || value.length() > maxLength) {
            throw new IllegalArgumentException(field + " must be 1 to " + maxLength
                + " characters and not blank (length: " + value.length() + ")");
        }
        return value;
    }

    /**
     * @param amount the amount to check
     * @param field the field's name, for the message
     * @return the amount, with trailing zeros kept as given
     * @throws IllegalArgumentException unless {@code 0 < amount <= MAX_AMOUNT} with at most 2 decimals
     */
    public static BigDecimal requirePositiveAmount(BigDecimal amount, String field) {
        Objects.requireNonNull(amount, field);
        if (amount.signum() <= 0) {
            throw new IllegalArgumentException(field + " must be greater than 0 (" + field + ": "
                + amount.toPlainString() + ")");
        }
        return requireAmountShape(amount, field);
    }

    /**
     * @param amount the amount to check
     * @param field the field's name, for the message
     * @return the amount
     * @throws IllegalArgumentException unless {@code 0 <= amount <= MAX_AMOUNT} with at most 2 decimals
     */
    public static BigDecimal requireNonNegativeAmount(BigDecimal amount, String field) {
        Objects.requireNonNull(amount, field);
        if (amount.signum() < 0) {
            throw new IllegalArgumentException(field + " must be 0 or more (" + field + ": "
                + amount.toPlainString() + ")");
        }
        return requireAmountShape(amount, field);
    }

    private static BigDecimal requireAmountShape(BigDecimal amount, String field) {
        if (amount.compareTo(MAX_AMOUNT) > 0) {
            throw new IllegalArgumentException(field + " must be at most " + MAX_AMOUNT.toPlainString() + " ("
                + field + ": " + amount.toString() + ")");
        }
        if (amount.stripTrailingZeros().scale() > MAX_SCALE) {
            throw new IllegalArgumentException(field + " must have at most " + MAX_SCALE + " decimals ("
                + field + ": " + amount.toPlainString() + ")");
        }
        return amount.scale() < 0 ? amount.setScale(0) : amount;
    }

    /**
     * @param quantity the quantity to check
     * @param field the field's name, for the message
     * @return the quantity
     * @throws IllegalArgumentException unless {@code 1 <= quantity <= 1,000,000,000}
     */
    public static long requirePositiveQuantity(long quantity, String field) {
        if (quantity < 1 || quantity > 1_000_000_000L) {
            throw new IllegalArgumentException(field + " must be between 1 and 1000000000 (" + field + ": "
                + quantity + ")");
        }
        return quantity;
    }
}
