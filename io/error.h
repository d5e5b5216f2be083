// The one error type of agc-flow: a one-line, user-facing message.
#pragma once

#include <stdexcept>
#include <string>

namespace agcflow {

// Thrown for every problem a user can cause: bad input, a corrupt archive, an unknown name.
// what() is a single line meant to be printed as "agc-flow: <what>".
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace agcflow
