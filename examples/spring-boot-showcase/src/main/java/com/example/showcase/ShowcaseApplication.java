package com.example.showcase;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The showcase bot: see README.md for what it answers and how to run it. */
@SpringBootApplication
public class ShowcaseApplication {
    public static void main(String[] args) {
        SpringApplication.run(ShowcaseApplication.class, args);
    }
}
