package dev.eventline.examples.bank;

/** Entry point of the bank example application. */
public final class BankApp {
    private BankApp() {
    }

    /**
     * Starts the bank application.
     *
     * @param args ignored; configuration comes from the environment
     */
    public static void main(String[] args) {
        System.out.println("Eventline bank example: not wired yet");
    }
}
