package io.nagatha.discordbot.discord;

import io.nagatha.discordbot.service.InboundMessage;
import io.nagatha.discordbot.service.MessageHandler;
import net.dv8tion.jda.api.Permission;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.MessageType;
import net.dv8tion.jda.api.entities.User;
import net.dv8tion.jda.api.entities.channel.ChannelType;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.events.message.MessageReceivedEvent;
import net.dv8tion.jda.api.hooks.ListenerAdapter;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * The thin JDA edge: turns JDA's events into the core's {@link InboundMessage} and answers the
 * {@code /auto-chat} command when Discord delivers commands over its gateway (an application with
 * an Interactions Endpoint URL gets them at Nagatha's gateway instead). Nothing here blocks JDA's
 * event thread: the core queues the work.
 */
public class JdaListener extends ListenerAdapter {

    private static final Logger LOG = Logger.getLogger(JdaListener.class);

    private final MessageHandler handler;
    /** Commands are rare and short; one thread keeps them off JDA's event thread. */
    private final ExecutorService commands = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "discord-commands");
        thread.setDaemon(true);
        return thread;
    });

    public JdaListener(MessageHandler handler) {
        this.handler = handler;
    }

    @Override
    public void onMessageReceived(MessageReceivedEvent event) {
        Message message = event.getMessage();
        if (message.getType() != MessageType.DEFAULT
                && message.getType() != MessageType.INLINE_REPLY) {
            return;
        }
        User self = event.getJDA().getSelfUser();
        boolean mentioned = message.getMentions().isMentioned(self, Message.MentionType.USER);
        String content = message.getContentRaw().replace("<@" + self.getId() + ">", "").replace("<@!" + self.getId() + ">", "").strip();
        handler.onMessage(new InboundMessage(message.getId(), event.getChannel().getId(),
                event.isFromGuild() ? event.getGuild().getId() : null, event.getAuthor().getId(), event.getAuthor().isBot(),
                content, mentioned));
    }

    @Override
    public void onSlashCommandInteraction(SlashCommandInteractionEvent event) {
        if (!event.getName().equals("auto-chat")) {
            event.reply("Set this application's Interactions Endpoint URL to Nagatha's gateway "
                    + "(`https://<gateway>/discord/interactions`) for /" + event.getName() + ", or mention me.").setEphemeral(true).queue();
            return;
        }
        String action = event.getSubcommandName() == null ? "status" : event.getSubcommandName();
        boolean direct = event.getChannelType() == ChannelType.PRIVATE;
        boolean canManage = event.getMember() != null && event.getMember().hasPermission(event.getGuildChannel(), Permission.MANAGE_CHANNEL);
        String channelId = event.getChannel().getId();
        String userId = event.getUser().getId();
        // Reading or writing the setting is a call to Nagatha: defer, then answer from a worker.
        event.deferReply(true).queue(hook -> commands.execute(() -> {
            String answer;
            try {
                answer = handler.autoChatCommand(action, channelId, direct, canManage, userId);
            } catch (RuntimeException e) {
                LOG.warnf("/auto-chat %s failed: %s", action, e.toString());
                answer = "Sorry, I cannot reach Nagatha right now; try again in a minute.";
            }
            hook.editOriginal(answer).queue();
        }));
    }
}
