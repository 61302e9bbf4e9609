// Messages as the GUI shows them: a sentence that starts with a capital letter (core's
// messages start in lower case, to be embedded in the CLI's "error: ..." line).
#pragma once

#include <QString>

namespace ddpm::ui {

/// `text` with its first letter upper-cased (nothing else changes).
inline QString messageText(const QString& text)
{
    QString out = text.trimmed();
    if (!out.isEmpty() && out.front().isLower())
        out.front() = out.front().toUpper();
    return out;
}

} // namespace ddpm::ui
