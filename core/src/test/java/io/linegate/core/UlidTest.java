package io.linegate.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class UlidTest {
    @Test
    void isWellFormedAndCarriesItsTime() {
        String id = Ulid.next(1_700_000_000_123L);
        assertThat(Ulid.isValid(id)).isTrue();
        assertThat(id).hasSize(26);
        assertThat(Ulid.timestamp(id)).isEqualTo(1_700_000_000_123L);
    }

    @Test
    void sortsInCreationOrderWithinOneMillisecond() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(Ulid.next(1_800_000_000_000L));
        }
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        assertThat(new HashSet<>(ids)).hasSize(10_000);
    }

    @Test
    void rejectsOtherShapes() {
        assertThat(Ulid.isValid("01ARZ3NDEKTSV4RRFFQ69G5FAV")).isTrue();
        assertThat(Ulid.isValid("01ARZ3NDEKTSV4RRFFQ69G5FAI")).isFalse(); // I is not Crockford
        assertThat(Ulid.isValid("short")).isFalse();
        assertThat(Ulid.isValid(null)).isFalse();
    }
}
