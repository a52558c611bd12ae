package dev.eventline.saga.internal;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Name-based UUIDs, so that a saga re-derives the same command and record ids after a crash. */
public final class DeterministicIds {

    private DeterministicIds() {
    }

    /**
     * @param parts the parts that identify the thing; joined with a separator that cannot occur in them by
     *     accident (the unit separator, U+001F)
     * @return a type-3 (name-based) UUID of the parts
     */
    public static UUID of(String... parts) {
        var name = new StringBuilder("eventline-saga");
        for (String part : parts) {
            name.append('\u001f').append(part);
        }
        return UUID.nameUUIDFromBytes(name.toString().getBytes(StandardCharsets.UTF_8));
    }
}
